set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab02_task_size.png'
set title "Thread-pool throughput vs task size"
set xlabel "work per task"
set ylabel "tasks per second (log scale)"
set grid
set logscale y 10
set style data histograms
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set key top right
plot 'lab02_task_size.dat' using 2:xtic(1) title columnheader, 'lab02_task_size.dat' using 3:xtic(1) title columnheader, 'lab02_task_size.dat' using 4:xtic(1) title columnheader, 'lab02_task_size.dat' using 5:xtic(1) title columnheader
