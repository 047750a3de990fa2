# table-patterns-ppl.gp: figure 'ppl' of experiment 'table-patterns', written by `longlora plot`.
# Data: table-patterns-ppl.dat. Restyle freely, then: gnuplot -e "fmt='svg'" table-patterns-ppl.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'table-patterns-ppl.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Attention patterns: tested with the training pattern and with full attention'
set xlabel 'attention'
set ylabel 'perplexity'
set grid
set key below
set datafile missing 'NaN'
set key title 'tested_with'
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.7 border -1
set xtics rotate by -20
set yrange [0:142.9307384316008]
plot 'table-patterns-ppl.dat' index 0 using 2:3:xtic(1) ls 1 title 'train', \
     'table-patterns-ppl.dat' index 0 using 4:5 ls 2 title 'full', \
     'table-patterns-ppl.dat' index 1 using 1:2 with points lc rgb '#000000' pt 14 ps 2 title 'paper'
