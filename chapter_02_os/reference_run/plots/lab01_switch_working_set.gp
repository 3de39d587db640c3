set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab01_switch_working_set.png'
set title "Indirect cost of a switch: round trip minus the same work without a switch"
set xlabel "working set per side, KiB (log scale)"
set ylabel "µs per round trip beyond the baseline (log scale)"
set grid
set logscale x 2
set logscale y 10
set key top left
plot 'lab01_switch_working_set.dat' index 0 using 1:2 with linespoints lw 2 title "threads (round trip − baseline)", 'lab01_switch_working_set.dat' index 1 using 1:2 with linespoints lw 2 title "processes (round trip − baseline)"
