# fig-steps-ppl-vs-steps.gp: figure 'ppl-vs-steps' of experiment 'fig-steps', written by `longlora plot`.
# Data: fig-steps-ppl-vs-steps.dat. Restyle freely, then: gnuplot -e "fmt='svg'" fig-steps-ppl-vs-steps.gp
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'fig-steps-ppl-vs-steps.' . fmt
if (fmt eq 'png') { set terminal pngcairo size 900,560 noenhanced font 'Sans,11' }
if (fmt eq 'svg') { set terminal svg size 900,560 noenhanced font 'Sans,11' background rgb 'white' }
if (fmt eq 'pdf') { set terminal pdfcairo size 6in,3.75in noenhanced font 'Sans,10' }
set output outfile
set title 'Validation perplexity at 512 during fine-tuning'
set xlabel 'step'
set ylabel 'perplexity'
set grid
set key below
set datafile missing 'NaN'
set style line 1 lc rgb '#0072B2' lw 2 pt 1 ps 1.3 dt 1
set style line 2 lc rgb '#D55E00' lw 2 pt 2 ps 1.3 dt 1
plot 'fig-steps-ppl-vs-steps.dat' index 0 using 1:2 with linespoints ls 1 title 'full fine-tuning', \
     'fig-steps-ppl-vs-steps.dat' index 1 using 1:2 with linespoints ls 2 title 'LoRA+'
