set title "S2-Attn transfer ratio (1024 tokens, tested with full attention)"
set xlabel "base pretraining steps"
set ylabel "transfer ratio (0: S2 carries over, 1: like short)"
set key bottom right
set grid ytics
set offsets graph 0.08, graph 0.08, 0, 0
set yrange [-0.5:1.5]
plot "miniature-ladder-transfer.dat" using 1:2:3 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb "#0072B2" title "S2 (mean, 95% CI over seeds)", \
     1 with lines lw 1.5 dt 2 lc rgb "#D55E00" title "1: no better than short attention", \
     0.07407407407407261 with lines lw 1.5 dt 4 lc rgb "#009E73" title "paper, Table 1 at 8192: 0.07", \
     0 with lines lw 1.5 dt 3 lc rgb "#000000" title "0: carries over completely"
