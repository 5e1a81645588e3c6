using Ccd.Bench.Limit;
using Npgsql;

// The limit bench/run compares the service with: the least an HTTP app needs to do the benchmarks' work on the same
// `ccd` and `adoption` tables (bench/README.md, "The limit"). No authentication, no validation, no case view.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration["LIMIT_DATABASE"]
    ?? throw new InvalidOperationException("LIMIT_DATABASE (an Npgsql connection string) is not set.");
builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));

var app = builder.Build();
app.MapGet("/health/ready", () => "ok");
app.MapGet("/health/live", () => "ok");
app.MapPost("/ccd-persistence/cases", SubmitEndpoint.HandleAsync);
app.MapGet("/ccd-persistence/cases", ReadEndpoint.HandleAsync);
app.MapGet("/ccd-persistence/cases/{reference}/history", HistoryEndpoint.HandleAsync);
app.MapGet("/api/cases", ListEndpoint.HandleAsync);
app.Run();
