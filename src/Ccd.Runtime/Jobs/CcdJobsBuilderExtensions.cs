using System.Text.Json;
using Ccd.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.Jobs;

/// <summary>Registers job handlers with the runtime's job worker (services call <c>AddJobHandler</c>).</summary>
internal static class CcdJobsBuilderExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> for every job type it handles (each <c>IJobHandler&lt;TJob&gt;</c> it
    /// implements), under <paramref name="kind"/> or the job type's name, reading stored jobs with <paramref name="json"/>
    /// (the settings events write them with). Returns the declaration problem, if any.
    /// </summary>
    public static string? Add<THandler>(CcdRuntimeBuilder builder, string? kind, JsonSerializerOptions json)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var handler = typeof(THandler);
        var jobTypes = handler.GetInterfaces()
            .Where(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IJobHandler<>))
            .Select(type => type.GetGenericArguments()[0])
            .ToList();
        if (jobTypes.Count == 0)
        {
            return $"Job handler {handler.Name} implements no IJobHandler<TJob>; implement it for the job type it runs.";
        }

        if (kind is not null && (string.IsNullOrWhiteSpace(kind) || kind.Length > 200))
        {
            return $"Job handler {handler.Name}: the kind '{kind}' must be 1 to 200 characters, not blank.";
        }

        if (kind is not null && jobTypes.Count > 1)
        {
            return $"Job handler {handler.Name} runs {string.Join(", ", jobTypes.Select(type => type.Name).Order(StringComparer.Ordinal))}: one kind cannot name several job types; register it without a kind.";
        }

        var existing = builder.Services
            .Where(descriptor => descriptor.ServiceType == typeof(JobHandlerRegistration))
            .Select(descriptor => (JobHandlerRegistration)descriptor.ImplementationInstance!)
            .ToList();
        foreach (var jobType in jobTypes)
        {
            var registration = JobHandlerRegistration.For(handler, jobType, kind, json);
            if (existing.FirstOrDefault(other => other.Kind == registration.Kind) is { } sameKind)
            {
                return $"Job kind '{registration.Kind}' already has a handler ({sameKind.HandlerType.Name} for {sameKind.JobType.Name}); each kind has exactly one (give {handler.Name}'s job type {jobType.Name} a kind of its own).";
            }

            if (existing.FirstOrDefault(other => other.JobType == jobType) is { } sameType)
            {
                return $"Job type {jobType.Name} already has a handler ({sameType.HandlerType.Name}, kind '{sameType.Kind}'); each job type has exactly one.";
            }

            builder.Services.AddSingleton(registration);
            existing.Add(registration);
        }

        builder.Services.TryAddScoped<THandler>();
        return null;
    }
}
