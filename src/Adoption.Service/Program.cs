using Ccd.Runtime.Commands;
using Adoption.Service.Hosting;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.LocalDatabase;
using Ccd.Runtime.Endpoints;

var builder = WebApplication.CreateBuilder(args);
var ccd = builder.AddCcdRuntime().AddAdoption();
if (ccd.Environment == AppEnvironment.Local)
{
    ccd.AddLocalPostgres(); // development only: an embedded PostgreSQL when LOCAL_DATABASE_URL is not set
}

var app = builder.Build();
app.UseCcdRuntime();
app.MapCcdPersistence();
app.MapAdoptionApi();
return await app.RunCcdAsync(args);

/// <summary>The service's entry point; public so that tests can start it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
