set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab03_tlb_reach.png'
set title "TLB reach: ns per access vs pages touched"
set xlabel "pages touched, 4 KiB each (log scale)"
set ylabel "ns per access (log scale)"
set grid
set logscale x 2
set logscale y 10
set arrow from 128, graph 0 to 128, graph 1 nohead dt 2 lc rgb 'gray40'
set label "cache step" at 128, graph 0.95 offset 0.5,0 font ',9'
set arrow from 2048, graph 0 to 2048, graph 1 nohead dt 2 lc rgb 'gray40'
set label "STLB reach exceeded" at 2048, graph 0.9 offset 0.5,0 font ',9'
set key top left
plot 'lab03_tlb_reach.dat' index 0 using 1:2 with linespoints lw 2 title "4 KiB pages", 'lab03_tlb_reach.dat' index 1 using 1:2 with linespoints lw 2 title "2 MiB pages"
