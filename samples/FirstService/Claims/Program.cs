using Ccd.Runtime.Commands;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.LocalDatabase;
using Claims;

var builder = WebApplication.CreateBuilder(args);
var ccd = builder.AddClaims();
if (ccd.Environment == AppEnvironment.Local)
{
    ccd.AddLocalPostgres();
}

var app = builder.Build();
app.UseCcdRuntime();
app.MapCcdPersistence();
return await app.RunCcdAsync(args);
