# miniature-s2-curve.gp: figure 'curve' of experiment 'miniature-s2', written by `longlora plot`.
# Data: miniature-s2-curve.dat. Restyle freely, then: gnuplot -e "fmt='svg'" miniature-s2-curve.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'miniature-s2-curve.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Validation perplexity (full attention) while fine-tuning'
set xlabel 'step'
set ylabel 'perplexity'
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
set style line 8 lc rgb '#0072B2' lw 2 pt 8 ps 1.3 dt 2
set style line 9 lc rgb '#D55E00' lw 2 pt 9 ps 1.3 dt 2
plot 'miniature-s2-curve.dat' index 0 using 1:2 with linespoints ls 1 title '0.0005 / full', \
     'miniature-s2-curve.dat' index 1 using 1:2 with linespoints ls 2 title '0.0005 / short', \
     'miniature-s2-curve.dat' index 2 using 1:2 with linespoints ls 3 title '0.0005 / s2', \
     'miniature-s2-curve.dat' index 3 using 1:2 with linespoints ls 4 title '0.001 / full', \
     'miniature-s2-curve.dat' index 4 using 1:2 with linespoints ls 5 title '0.001 / short', \
     'miniature-s2-curve.dat' index 5 using 1:2 with linespoints ls 6 title '0.001 / s2', \
     'miniature-s2-curve.dat' index 6 using 1:2 with linespoints ls 7 title '0.002 / full', \
     'miniature-s2-curve.dat' index 7 using 1:2 with linespoints ls 8 title '0.002 / short', \
     'miniature-s2-curve.dat' index 8 using 1:2 with linespoints ls 9 title '0.002 / s2'
