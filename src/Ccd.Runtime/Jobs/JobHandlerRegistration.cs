using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ccd.Runtime.Jobs;

/// <summary>
/// One job kind: the job type stored under it and the handler class that runs it, with the typed call that reads the
/// stored payload back into the job type with the JSON settings it was written with (the case classes' settings,
/// which registration in Hosting passes in).
/// </summary>
internal sealed class JobHandlerRegistration
{
    private readonly Func<object, JsonNode, JobContext, CancellationToken, Task> _run;

    private JobHandlerRegistration(string kind, Type jobType, Type handlerType, Func<object, JsonNode, JobContext, CancellationToken, Task> run)
    {
        Kind = kind;
        JobType = jobType;
        HandlerType = handlerType;
        _run = run;
    }

    public string Kind { get; }

    public Type JobType { get; }

    public Type HandlerType { get; }

    /// <summary>The kind a job type is stored under when its registration names none: the type's name.</summary>
    public static string DefaultKind(Type jobType) => jobType.Name;

    /// <summary>The registration of <typeparamref name="THandler"/> for <typeparamref name="TJob"/> under <paramref name="kind"/> (the type's name when null).</summary>
    public static JobHandlerRegistration For<THandler, TJob>(string? kind, JsonSerializerOptions json)
        where THandler : class, IJobHandler<TJob>
        where TJob : class =>
        new(kind ?? DefaultKind(typeof(TJob)), typeof(TJob), typeof(THandler),
            (handler, payload, context, cancellationToken) => ((THandler)handler).RunAsync(Read<TJob>(payload, context, json), context, cancellationToken));

    /// <summary>The registration of <paramref name="handlerType"/> for <paramref name="jobType"/> (it implements <c>IJobHandler&lt;jobType&gt;</c>).</summary>
    public static JobHandlerRegistration For(Type handlerType, Type jobType, string? kind, JsonSerializerOptions json) =>
        (JobHandlerRegistration)typeof(JobHandlerRegistration)
            .GetMethod(nameof(Typed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(handlerType, jobType)
            .Invoke(null, [kind, json])!;

    /// <summary>Reads the stored payload into the job type and runs <paramref name="handler"/> (an instance of <see cref="HandlerType"/>) on it.</summary>
    /// <exception cref="InvalidOperationException">The payload does not read as the job type (it was stored by a different version of it).</exception>
    public Task RunAsync(object handler, JsonNode payload, JobContext context, CancellationToken cancellationToken) =>
        _run(handler, payload, context, cancellationToken);

    private static JobHandlerRegistration Typed<THandler, TJob>(string? kind, JsonSerializerOptions json)
        where THandler : class, IJobHandler<TJob>
        where TJob : class =>
        For<THandler, TJob>(kind, json);

    private static TJob Read<TJob>(JsonNode payload, JobContext context, JsonSerializerOptions json)
        where TJob : class
    {
        try
        {
            return payload.Deserialize<TJob>(json)
                ?? throw new JsonException("The payload is null.");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new InvalidOperationException(
                $"The payload of job {context.Id} (kind '{context.Kind}') cannot be read as {typeof(TJob).Name}: {exception.Message}", exception);
        }
    }
}
