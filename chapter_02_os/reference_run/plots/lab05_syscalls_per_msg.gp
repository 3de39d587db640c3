set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab05_syscalls_per_msg.png'
set title "Server system calls per echoed message"
set xlabel "concurrent connections (log scale)"
set ylabel "system calls per message (log scale)"
set grid
set logscale x 2
set logscale y 10
set key top left
plot 'lab05_syscalls_per_msg.dat' index 0 using 1:2 with linespoints lw 2 title "blocking", 'lab05_syscalls_per_msg.dat' index 1 using 1:2 with linespoints lw 2 title "asio", 'lab05_syscalls_per_msg.dat' index 2 using 1:2 with linespoints lw 2 title "asio-mt", 'lab05_syscalls_per_msg.dat' index 3 using 1:2 with linespoints lw 2 title "asio-pool", 'lab05_syscalls_per_msg.dat' index 4 using 1:2 with linespoints lw 2 title "coro", 'lab05_syscalls_per_msg.dat' index 5 using 1:2 with linespoints lw 2 title "epoll", 'lab05_syscalls_per_msg.dat' index 6 using 1:2 with linespoints lw 2 title "epoll-et", 'lab05_syscalls_per_msg.dat' index 7 using 1:2 with linespoints lw 2 title "uring"
