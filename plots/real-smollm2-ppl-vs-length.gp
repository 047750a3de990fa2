# real-smollm2-ppl-vs-length.gp: figure 'ppl-vs-length' of experiment 'real-smollm2', written by `longlora plot`.
# Data: real-smollm2-ppl-vs-length.dat. Restyle freely, then: gnuplot -e "fmt='svg'" real-smollm2-ppl-vs-length.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'real-smollm2-ppl-vs-length.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'SmolLM2-135M, pg19-mini test'
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
plot 'real-smollm2-ppl-vs-length.dat' index 0 using 1:2:6:7 with yerrorlines ls 1 title 'SmolLM2-135M (trained at 8192)', \
     'real-smollm2-ppl-vs-length.dat' index 1 using 1:2:6:7 with yerrorlines ls 2 title 'no scaling', \
     'real-smollm2-ppl-vs-length.dat' index 2 using 1:2:6:7 with yerrorlines ls 3 title 'position interpolation x2', \
     'real-smollm2-ppl-vs-length.dat' index 3 using 1:2:6:7 with yerrorlines ls 4 title 'NTK-aware x2', \
     'real-smollm2-ppl-vs-length.dat' index 4 using 1:2:6:7 with yerrorlines ls 5 title 'LoRA+ S2, 24 steps at 2048'
