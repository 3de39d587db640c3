set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab05_poll_scaling.png'
set title "Time per round vs connections: poll vs epoll"
set xlabel "connections N, one active (log scale)"
set ylabel "CPU µs per round (log scale)"
set grid
set logscale x 2
set logscale y 10
set key top left
plot 'lab05_poll_scaling.dat' index 0 using 1:2 with linespoints lw 2 title "poll", 'lab05_poll_scaling.dat' index 1 using 1:2 with linespoints lw 2 title "select", 'lab05_poll_scaling.dat' index 2 using 1:2 with linespoints lw 2 title "epoll"
