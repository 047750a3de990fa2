# table1-attention-loss.gp: figure 'loss' of experiment 'table1-attention', written by `longlora plot`.
# Data: table1-attention-loss.dat. Restyle freely, then: gnuplot -e "fmt='svg'" table1-attention-loss.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'table1-attention-loss.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Fine-tuning loss at 2048 tokens'
set xlabel 'step'
set ylabel 'loss'
set grid
set key below
set datafile missing 'NaN'
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
set style line 3 lc rgb '#009E73' lw 2 pt 3 ps 1.3 dt 1
plot 'table1-attention-loss.dat' index 0 using 1:2 with lines lc rgb '#B00072B2' lw 1 notitle, \
     'table1-attention-loss.dat' index 0 using 1:4 with lines ls 1 title 'full attention', \
     'table1-attention-loss.dat' index 1 using 1:2 with lines lc rgb '#B0D55E00' lw 1 notitle, \
     'table1-attention-loss.dat' index 1 using 1:4 with lines ls 2 title 'short attention', \
     'table1-attention-loss.dat' index 2 using 1:2 with lines lc rgb '#B0009E73' lw 1 notitle, \
     'table1-attention-loss.dat' index 2 using 1:4 with lines ls 3 title 'S2-Attn'
