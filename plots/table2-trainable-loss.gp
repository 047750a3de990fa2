# table2-trainable-loss.gp: figure 'loss' of experiment 'table2-trainable', written by `longlora plot`.
# Data: table2-trainable-loss.dat. Restyle freely, then: gnuplot -e "fmt='svg'" table2-trainable-loss.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'table2-trainable-loss.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Fine-tuning loss'
set xlabel 'step'
set ylabel 'loss'
set grid
set key outside right top
set datafile missing 'NaN'
plot 'table2-trainable-loss.dat' index 0 using 1:2 with lines lw 2 title 'full-ft', \
     'table2-trainable-loss.dat' index 1 using 1:2 with lines lw 2 title 'lora-r4', \
     'table2-trainable-loss.dat' index 2 using 1:2 with lines lw 2 title 'lora-r8', \
     'table2-trainable-loss.dat' index 3 using 1:2 with lines lw 2 title 'lora-r32', \
     'table2-trainable-loss.dat' index 4 using 1:2 with lines lw 2 title 'lora-norm', \
     'table2-trainable-loss.dat' index 5 using 1:2 with lines lw 2 title 'lora-embed', \
     'table2-trainable-loss.dat' index 6 using 1:2 with lines lw 2 title 'lora-embed-norm'
