using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Memory;

namespace Ccd.Runtime.Hosting;

/// <summary>
/// Where a service's settings come from, whatever the working folder: the runtime's default log levels, then the
/// <c>appsettings*.json</c> beside the application, then the usual sources (the working folder's
/// <c>appsettings*.json</c>, environment variables, the command line), each overriding the one before. With no
/// <c>urls</c> setting the service listens on <c>http://127.0.0.1:5000</c>. A command's flag on the command line
/// (<c>status --json --APP_ENV=TEST</c>) never takes the setting after it as its value.
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

    public static void Apply(WebApplicationBuilder builder)
    {
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLogLevels });
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is CommandLineConfigurationSource commandLine)
            {
                sources[i] = new CommandLineConfigurationSource { Args = WithoutFlags(commandLine.Args), SwitchMappings = commandLine.SwitchMappings };
            }
        }

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

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5000");
        }
    }

    /// <summary>
    /// The command-line configuration reads <c>--key value</c> as a setting, so a flag with no value followed by a
    /// setting (<c>--json --APP_ENV=TEST</c>) would take the setting as its value; a <c>--name</c> directly followed by
    /// another option is left to the command. Verbs and the commands' values stay, and the configuration ignores them.
    /// </summary>
    private static string[] WithoutFlags(IEnumerable<string> args)
    {
        var tokens = args.ToArray();
        return tokens
            .Where((token, i) => !(IsBareOption(token) && i + 1 < tokens.Length && tokens[i + 1].StartsWith('-')))
            .ToArray();
    }

    private static bool IsBareOption(string token) => token.StartsWith('-') && !token.Contains('=', StringComparison.Ordinal);
}
