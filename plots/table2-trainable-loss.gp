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
set key below
set datafile missing 'NaN'
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
set style line 3 lc rgb '#009E73' lw 2 pt 3 ps 1.3 dt 1
set style line 4 lc rgb '#CC79A7' lw 2 pt 4 ps 1.3 dt 1
set style line 5 lc rgb '#56B4E9' lw 2 pt 5 ps 1.3 dt 1
set style line 6 lc rgb '#E69F00' lw 2 pt 6 ps 1.3 dt 1
set style line 7 lc rgb '#000000' lw 2 pt 7 ps 1.3 dt 1
plot 'table2-trainable-loss.dat' index 0 using 1:2 with lines lc rgb '#B00072B2' lw 1 notitle, \
     'table2-trainable-loss.dat' index 0 using 1:4 with lines ls 1 title 'full fine-tuning', \
     'table2-trainable-loss.dat' index 1 using 1:2 with lines lc rgb '#B0D55E00' lw 1 notitle, \
     'table2-trainable-loss.dat' index 1 using 1:4 with lines ls 2 title 'LoRA, rank 4', \
     'table2-trainable-loss.dat' index 2 using 1:2 with lines lc rgb '#B0009E73' lw 1 notitle, \
     'table2-trainable-loss.dat' index 2 using 1:4 with lines ls 3 title 'LoRA, rank 8', \
     'table2-trainable-loss.dat' index 3 using 1:2 with lines lc rgb '#B0CC79A7' lw 1 notitle, \
     'table2-trainable-loss.dat' index 3 using 1:4 with lines ls 4 title 'LoRA, rank 32', \
     'table2-trainable-loss.dat' index 4 using 1:2 with lines lc rgb '#B056B4E9' lw 1 notitle, \
     'table2-trainable-loss.dat' index 4 using 1:4 with lines ls 5 title 'LoRA + norm', \
     'table2-trainable-loss.dat' index 5 using 1:2 with lines lc rgb '#B0E69F00' lw 1 notitle, \
     'table2-trainable-loss.dat' index 5 using 1:4 with lines ls 6 title 'LoRA + embed', \
     'table2-trainable-loss.dat' index 6 using 1:2 with lines lc rgb '#B0000000' lw 1 notitle, \
     'table2-trainable-loss.dat' index 6 using 1:4 with lines ls 7 title 'LoRA + embed + norm (LoRA+)'
