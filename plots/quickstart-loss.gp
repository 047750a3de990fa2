# quickstart-loss.gp: figure 'loss' of experiment 'quickstart', written by `longlora plot`.
# Data: quickstart-loss.dat. Restyle freely, then: gnuplot -e "fmt='svg'" quickstart-loss.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'quickstart-loss.' . fmt
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
plot 'quickstart-loss.dat' index 0 using 1:2 with lines lw 2 title 'full', \
     'quickstart-loss.dat' index 1 using 1:2 with lines lw 2 title 's2'
