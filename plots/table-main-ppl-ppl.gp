# table-main-ppl-ppl.gp: figure 'ppl' of experiment 'table-main-ppl', written by `longlora plot`.
# Data: table-main-ppl-ppl.dat. Restyle freely, then: gnuplot -e "fmt='svg'" table-main-ppl-ppl.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'table-main-ppl-ppl.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'mini-mix-echo test'
set xlabel 'evaluation length (tokens)'
set ylabel 'perplexity'
set grid
set key below
set datafile missing 'NaN'
set logscale x 2
set offsets graph 0.04, graph 0.04, 0, 0
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
set style line 3 lc rgb '#009E73' lw 2 pt 3 ps 1.3 dt 1
set style line 4 lc rgb '#CC79A7' lw 2 pt 4 ps 1.3 dt 1
set style line 5 lc rgb '#56B4E9' lw 2 pt 5 ps 1.3 dt 1
set style line 6 lc rgb '#E69F00' lw 2 pt 6 ps 1.3 dt 1
set style line 7 lc rgb '#000000' lw 2 pt 7 ps 1.3 dt 1
set style line 8 lc rgb '#0072B2' lw 2 pt 8 ps 1.3 dt 2
set style line 9 lc rgb '#D55E00' lw 2 pt 9 ps 1.3 dt 2
plot 'table-main-ppl-ppl.dat' index 0 using 1:2:6:7 with yerrorlines ls 1 title 'full attention, full fine-tuning / 512', \
     'table-main-ppl-ppl.dat' index 1 using 1:2:6:7 with yerrorlines ls 2 title 'full attention, full fine-tuning / 1024', \
     'table-main-ppl-ppl.dat' index 2 using 1:2:6:7 with yerrorlines ls 3 title 'full attention, full fine-tuning / 2048', \
     'table-main-ppl-ppl.dat' index 3 using 1:2:6:7 with yerrorlines ls 4 title 'S2-Attn, full fine-tuning / 512', \
     'table-main-ppl-ppl.dat' index 4 using 1:2:6:7 with yerrorlines ls 5 title 'S2-Attn, full fine-tuning / 1024', \
     'table-main-ppl-ppl.dat' index 5 using 1:2:6:7 with yerrorlines ls 6 title 'S2-Attn, full fine-tuning / 2048', \
     'table-main-ppl-ppl.dat' index 6 using 1:2:6:7 with yerrorlines ls 7 title 'S2-Attn, LoRA+ (LongLoRA) / 512', \
     'table-main-ppl-ppl.dat' index 7 using 1:2:6:7 with yerrorlines ls 8 title 'S2-Attn, LoRA+ (LongLoRA) / 1024', \
     'table-main-ppl-ppl.dat' index 8 using 1:2:6:7 with yerrorlines ls 9 title 'S2-Attn, LoRA+ (LongLoRA) / 2048'
