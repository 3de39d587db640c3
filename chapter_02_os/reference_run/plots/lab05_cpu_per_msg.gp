set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab05_cpu_per_msg.png'
set title "Server CPU time per echoed message"
set xlabel "concurrent connections (log scale)"
set ylabel "server CPU µs per message"
set grid
set logscale x 2
set key top left
plot 'lab05_cpu_per_msg.dat' index 0 using 1:2 with linespoints lw 2 title "blocking", 'lab05_cpu_per_msg.dat' index 1 using 1:2 with linespoints lw 2 title "asio", 'lab05_cpu_per_msg.dat' index 2 using 1:2 with linespoints lw 2 title "asio-mt", 'lab05_cpu_per_msg.dat' index 3 using 1:2 with linespoints lw 2 title "asio-pool", 'lab05_cpu_per_msg.dat' index 4 using 1:2 with linespoints lw 2 title "coro", 'lab05_cpu_per_msg.dat' index 5 using 1:2 with linespoints lw 2 title "epoll", 'lab05_cpu_per_msg.dat' index 6 using 1:2 with linespoints lw 2 title "epoll-et", 'lab05_cpu_per_msg.dat' index 7 using 1:2 with linespoints lw 2 title "uring"
