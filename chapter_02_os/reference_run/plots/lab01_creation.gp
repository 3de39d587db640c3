set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab01_creation.png'
set title "Creation cost: process, thread, pool task, coroutine"
set xlabel ""
set ylabel "microseconds per creation (log scale)"
set grid
set logscale y 10
set style data histograms
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set key off
plot 'lab01_creation.dat' using 2:xtic(1) title columnheader
