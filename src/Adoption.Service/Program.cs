using Ccd.Runtime.Commands;
using Adoption.Service.Hosting;
using Ccd.Runtime.Hosting;

return await CcdHost.RunAsync(args, AdoptionHost.Definition);
