using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Ccd.Runtime.Hosting;

/// <summary>
/// Where a service's settings come from, whatever the working folder: the runtime's default log levels, then the
/// <c>appsettings*.json</c> beside the application, then the usual sources (the working folder's
/// <c>appsettings*.json</c>, environment variables, the command line), each overriding the one before.
/// </summary>
internal static class HostSettings
{
    /// <summary>Per-statement SQL (Npgsql's Information) and per-request framework entries stay out of the console.</summary>
    private static readonly Dictionary<string, string?> DefaultLogLevels = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var sources = builder.Configuration.Sources;
        sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLogLevels });
        var appFolder = AppContext.BaseDirectory;
        if (Path.GetFullPath(appFolder).TrimEnd('/') != Path.GetFullPath(builder.Environment.ContentRootPath).TrimEnd('/'))
        {
            // Rooted paths, so each source reads from the application's folder rather than the content root.
            var json = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(appFolder, "appsettings.json"), optional: true, reloadOnChange: false)
                .AddJsonFile(Path.Combine(appFolder, $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true, reloadOnChange: false)
                .Sources;
            for (var i = 0; i < json.Count; i++)
            {
                sources.Insert(1 + i, json[i]);
            }
        }

        return builder;
    }
}
