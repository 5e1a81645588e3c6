using Ccd.Conformance;

return await ConformanceCommand.RunAsync(args, Console.Out, Console.Error);
