set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab05_echo_64.png'
set title "Echo throughput vs connections (64-byte messages)"
set xlabel "concurrent connections (log scale)"
set ylabel "messages per second"
set grid
set logscale x 2
set key top left
plot 'lab05_echo_64.dat' index 0 using 1:2 with linespoints lw 2 title "blocking", 'lab05_echo_64.dat' index 1 using 1:2 with linespoints lw 2 title "asio", 'lab05_echo_64.dat' index 2 using 1:2 with linespoints lw 2 title "asio-mt", 'lab05_echo_64.dat' index 3 using 1:2 with linespoints lw 2 title "asio-pool", 'lab05_echo_64.dat' index 4 using 1:2 with linespoints lw 2 title "coro", 'lab05_echo_64.dat' index 5 using 1:2 with linespoints lw 2 title "epoll", 'lab05_echo_64.dat' index 6 using 1:2 with linespoints lw 2 title "epoll-et", 'lab05_echo_64.dat' index 7 using 1:2 with linespoints lw 2 title "uring"
