using Ccd.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.Jobs;

/// <summary>Registers job handlers with the runtime's job worker (services call <c>AddJobHandler</c>).</summary>
internal static class CcdJobsBuilderExtensions
{
    /// <summary>
    /// Makes the job worker run <typeparamref name="THandler"/> (resolved from dependency injection, scoped to one
    /// attempt) for every job enqueued with <paramref name="kind"/>.
    /// </summary>
    /// <exception cref="CcdStartupException">Another handler is already registered for <paramref name="kind"/>.</exception>
    public static CcdRuntimeBuilder Add<THandler>(CcdRuntimeBuilder builder, string kind)
        where THandler : class, IJobHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var existing = builder.Services
            .Where(descriptor => descriptor.ServiceType == typeof(JobHandlerRegistration))
            .Select(descriptor => (JobHandlerRegistration)descriptor.ImplementationInstance!)
            .FirstOrDefault(registration => registration.Kind == kind);
        if (existing is not null)
        {
            throw new CcdStartupException($"Job kind '{kind}' already has a handler ({existing.HandlerType.Name}); each kind has exactly one.");
        }

        builder.Services.AddSingleton(new JobHandlerRegistration(kind, typeof(THandler)));
        builder.Services.TryAddScoped<THandler>();
        return builder;
    }
}

/// <summary>One kind and the handler class that runs it.</summary>
internal sealed record JobHandlerRegistration(string Kind, Type HandlerType);
