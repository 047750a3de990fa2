# miniature-criteria-curve.gp: figure 'curve' of experiment 'miniature-criteria', written by `longlora plot`.
# Data: miniature-criteria-curve.dat. Restyle freely, then: gnuplot -e "fmt='svg'" miniature-criteria-curve.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'miniature-criteria-curve.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Validation perplexity while fine-tuning to 1024'
set xlabel 'step'
set ylabel 'perplexity'
set grid
set key below
set datafile missing 'NaN'
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set key off
plot 'miniature-criteria-curve.dat' index 0 using 1:2 with linespoints ls 1 title 'full-attention fine-tune'
