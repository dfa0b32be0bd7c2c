using System;
using System.Threading.Tasks;
using Tessera.Samples.Coder;

return await CoderCli.RunAsync(args);
