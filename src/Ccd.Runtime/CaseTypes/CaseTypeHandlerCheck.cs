using Ccd.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// Creates every declared handler, view and callback class once at start-up, as a request would, so a handler whose
/// dependencies are not registered stops start-up with one line instead of failing the first submit with a 500.
/// </summary>
internal sealed class CaseTypeHandlerCheck(IServiceScopeFactory scopes, CaseTypeCatalog catalog) : ICcdStartupCheck
{
    public Task RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        foreach (var caseType in catalog.All)
        {
            foreach (var (role, type, eventId) in caseType.DeclaredClasses())
            {
                var where = eventId is null ? $"Case type {caseType.Id}" : $"Case type {caseType.Id}, event {eventId}";
                if (type.IsAbstract && scope.ServiceProvider.GetService(type) is null)
                {
                    var kind = type.IsInterface ? "an interface" : "an abstract class";
                    throw new CcdStartupException(
                        $"{where}: {role} {type.Name} is {kind} and no implementation of it is registered; register one (services.AddScoped<{type.Name}, ...>()) or name the class itself.");
                }

                try
                {
                    _ = ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);
                }
                catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or MissingMethodException)
                {
                    throw new CcdStartupException($"{where}: {role} {type.Name} cannot be created: {OneLine(exception.Message)}", exception);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
