using Tessera.FaultInjection;

// Console.In reads synchronously even through ReadLineAsync; a stream reader lets the relay's end interrupt the wait.
using var input = new StreamReader(Console.OpenStandardInput());
return await RelayCommandLine.RunAsync(args, input, Console.Out);
