set terminal pngcairo size 960,600 noenhanced font 'Sans,11'
set output 'lab03_mountain.png'
set title "Memory mountain: read throughput by working set and stride"
set xlabel "working set"
set ylabel "stride"
set grid
set xtics ("16 KiB" 14, "64 KiB" 16, "256 KiB" 18, "1 MiB" 20, "4 MiB" 22, "16 MiB" 24, "64 MiB" 26)
set ytics ("8 B" 3, "16 B" 4, "32 B" 5, "64 B" 6, "128 B" 7)
set cblabel "MB/s"
set palette rgb 33,13,10
set key off
plot 'lab03_mountain.dat' using 1:2:3 with image
