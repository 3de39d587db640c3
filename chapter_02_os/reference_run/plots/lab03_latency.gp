set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab03_latency.png'
set title "Load latency vs working-set size (pointer chase)"
set xlabel "working set (KiB, log scale)"
set ylabel "ns per load (log scale)"
set grid
set logscale x 2
set logscale y 10
set arrow from 32, graph 0 to 32, graph 1 nohead dt 2 lc rgb 'gray40'
set label "L1d 32 KiB" at 32, graph 0.95 offset 0.5,0 font ',9'
set arrow from 1024, graph 0 to 1024, graph 1 nohead dt 2 lc rgb 'gray40'
set label "L2 1 MiB" at 1024, graph 0.9 offset 0.5,0 font ',9'
set arrow from 32768, graph 0 to 32768, graph 1 nohead dt 2 lc rgb 'gray40'
set label "L3 32 MiB" at 32768, graph 0.95 offset 0.5,0 font ',9'
set key off
plot 'lab03_latency.dat' index 0 using 1:2 with linespoints lw 2 title "random pointer chase"
