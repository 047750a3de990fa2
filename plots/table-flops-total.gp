# table-flops-total.gp: figure 'total' of experiment 'table-flops', written by `longlora plot`.
# Data: table-flops-total.dat. Restyle freely, then: gnuplot -e "fmt='svg'" table-flops-total.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'table-flops-total.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Forward TFLOPs per sequence'
set xlabel 'context (tokens)'
set ylabel 'TFLOPs'
set grid
set key below
set datafile missing 'NaN'
set logscale x 2
set offsets graph 0.04, graph 0.04, 0, 0
set logscale y
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
set style line 3 lc rgb '#009E73' lw 2 pt 3 ps 1.3 dt 1
set style line 4 lc rgb '#CC79A7' lw 2 pt 4 ps 1.3 dt 1
set style line 5 lc rgb '#56B4E9' lw 2 pt 5 ps 1.3 dt 1
set style line 6 lc rgb '#E69F00' lw 2 pt 6 ps 1.3 dt 1
plot 'table-flops-total.dat' index 0 using 1:2:6:7 with yerrorlines ls 1 title 'llama2-7b / full', \
     'table-flops-total.dat' index 1 using 1:2:6:7 with yerrorlines ls 2 title 'llama2-7b / s2', \
     'table-flops-total.dat' index 2 using 1:2:6:7 with yerrorlines ls 3 title 'llama2-13b / full', \
     'table-flops-total.dat' index 3 using 1:2:6:7 with yerrorlines ls 4 title 'llama2-13b / s2', \
     'table-flops-total.dat' index 4 using 1:2:6:7 with yerrorlines ls 5 title 'llama2-70b / full', \
     'table-flops-total.dat' index 5 using 1:2:6:7 with yerrorlines ls 6 title 'llama2-70b / s2', \
     'table-flops-total.dat' index 6 using 1:2 with points ls 1 pt 14 ps 2 title 'llama2-7b / full (paper)', \
     'table-flops-total.dat' index 7 using 1:2 with points ls 2 pt 14 ps 2 title 'llama2-7b / s2 (paper)'
