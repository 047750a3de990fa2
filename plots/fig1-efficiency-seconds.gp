# fig1-efficiency-seconds.gp: figure 'seconds' of experiment 'fig1-efficiency', written by `longlora plot`.
# Data: fig1-efficiency-seconds.dat. Restyle freely, then: gnuplot -e "fmt='svg'" fig1-efficiency-seconds.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'fig1-efficiency-seconds.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Measured time per step (this machine)'
set xlabel 'context (tokens)'
set ylabel 'seconds per step'
set grid
set key below
set datafile missing 'NaN'
set logscale x 2
set offsets graph 0.04, graph 0.04, 0, 0
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
set style line 3 lc rgb '#009E73' lw 2 pt 3 ps 1.3 dt 1
plot 'fig1-efficiency-seconds.dat' index 0 using 1:2:6:7 with yerrorlines ls 1 title 'full fine-tuning', \
     'fig1-efficiency-seconds.dat' index 1 using 1:2:6:7 with yerrorlines ls 2 title 'LoRA', \
     'fig1-efficiency-seconds.dat' index 2 using 1:2:6:7 with yerrorlines ls 3 title 'LongLoRA (S2-Attn, LoRA+)'
