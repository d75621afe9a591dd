using VzPanel.Benchmarks;

return await BenchCommandLine.RunAsync(args);
