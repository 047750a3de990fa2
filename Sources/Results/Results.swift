// Module Results: HDF5 result store, tables, gnuplot figures and the metric regression check.
// Each concept of the module lives in its own file beside this one.
