set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab01_switch.png'
set title "Context switch cost: threads vs processes, same vs cross CPU"
set xlabel ""
set ylabel "microseconds per switch"
set grid
set style data histograms
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set key off
plot 'lab01_switch.dat' using 2:xtic(1) title columnheader
