using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Schema;
using Npgsql;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Support;

/// <summary>The case class of the code-declared test case type <c>FT_Typed</c>.</summary>
public sealed class TypedCase
{
    public string? Title { get; set; }

    public string? Note { get; set; }

    public List<string>? Notes { get; set; }

    /// <summary>Tells <see cref="TypedSubmitHandler"/> what to do: error, warning, throw, close, item, bad-item, job, wait, ttl.</summary>
    public string? Behaviour { get; set; }

    /// <summary>Computed by <see cref="TypedCaseView"/>.</summary>
    public string? Heading { get; set; }

    /// <summary>Computed by <see cref="TypedCaseView"/>: the notes in the service's own table.</summary>
    public long? NoteCount { get; set; }

    /// <summary>CCD's retention TTL, which only CCD sets.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("TTL")]
    public TypedTtl? Ttl { get; set; }
}

public sealed class TypedTtl
{
    [System.Text.Json.Serialization.JsonPropertyName("SystemTTL")]
    public DateOnly? SystemTtl { get; set; }

    public bool? Suspended { get; set; }
}

public enum TypedState
{
    [Display(Name = "Open case")]
    Open,

    Closed,
}

/// <summary>The test service's own schema: a table the handler writes, and a trap that fails a commit on demand.</summary>
internal static class TestSchema
{
    public static MigrationSource Migrations { get; } = new("testservice", [
        MigrationScript.FromText("0001_notes.sql", """
            CREATE SCHEMA testservice;
            CREATE TABLE testservice.notes (reference bigint NOT NULL, note text NOT NULL);
            -- Fails the commit (deferred: after every insert of the event) when an outbox message publishes note 'explode'.
            CREATE FUNCTION testservice.explode() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.message_information -> 'AdditionalData' -> 'Data' ->> 'note' = 'explode' THEN
                    RAISE EXCEPTION 'injected failure after the queue and outbox inserts';
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER explode AFTER INSERT ON ccd.message_queue_candidates
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION testservice.explode();
            """),
    ]);

    public static async Task<long> CountNotesAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM testservice.notes");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Lets a test see that a handler started and hold it there.</summary>
public sealed class HandlerProbe
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Writes the note to the service's own table, then does what the proposed case's <c>behaviour</c> says.</summary>
internal sealed class TypedSubmitHandler(HandlerProbe probe) : ISubmitHandler<TypedCase, TypedState>
{
    public async Task<SubmitResult<TypedCase, TypedState>> SubmitAsync(SubmitContext<TypedCase, TypedState> context, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand("INSERT INTO testservice.notes (reference, note) VALUES (@r, @n)", context.Connection, context.Transaction))
        {
            insert.Parameters.AddWithValue("r", context.Reference);
            insert.Parameters.AddWithValue("n", context.Proposed.Note ?? "");
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var confirmation = $"# Saved {context.Reference}";
        var data = context.Proposed;
        switch (context.Proposed.Behaviour)
        {
            case "error":
                return new SubmitResult<TypedCase, TypedState> { Errors = ["The title is not allowed."] };
            case "warning":
                return new SubmitResult<TypedCase, TypedState> { Warnings = ["Are you sure?"] };
            case "throw":
                throw new InvalidOperationException("The handler failed after writing.");
            case "close":
                return new SubmitResult<TypedCase, TypedState> { State = TypedState.Closed, ConfirmationHeader = confirmation, Data = data };
            case "item":
                return new SubmitResult<TypedCase, TypedState> { SignificantItem = ("Order", "https://docs.example/1"), ConfirmationHeader = confirmation, Data = data };
            case "bad-item":
                return new SubmitResult<TypedCase, TypedState> { SignificantItem = ("Order", "not a url") };
            case "job":
                context.EnqueueJob(new Jobs.TestEmail("a@example.org"), "email");
                return new SubmitResult<TypedCase, TypedState> { ConfirmationHeader = confirmation, Data = data };
            case "ttl":
                data.Ttl = new TypedTtl { SystemTtl = new DateOnly(2000, 1, 1), Suspended = false }; // a handler may not change it
                return new SubmitResult<TypedCase, TypedState> { Data = data };
            case "wait":
                probe.Started.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                return new SubmitResult<TypedCase, TypedState>();
            default:
                return new SubmitResult<TypedCase, TypedState>
                {
                    ConfirmationHeader = confirmation,
                    ConfirmationBody = "Body",
                    Data = data,
                    Summary = context.Summary ?? "handled",
                };
        }
    }
}

/// <summary>
/// An additive typed event as a service team would write it: appends the proposed note to the case's notes and
/// returns the whole case, leaving the state alone (no State returned).
/// </summary>
internal sealed class AddTypedNoteHandler : ISubmitHandler<TypedCase, TypedState>
{
    public Task<SubmitResult<TypedCase, TypedState>> SubmitAsync(SubmitContext<TypedCase, TypedState> context, CancellationToken cancellationToken) =>
        Task.FromResult(new SubmitResult<TypedCase, TypedState> { Data = context.Proposed });
}

/// <summary>Renders the blob plus a computed field and the number of notes in the service's own table.</summary>
internal sealed class TypedCaseView : ICaseView<TypedCase, TypedState>
{
    public async ValueTask<TypedCase> RenderAsync(CaseViewContext<TypedCase, TypedState> context, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM testservice.notes WHERE reference = @r", context.Connection, context.Transaction);
        count.Parameters.AddWithValue("r", context.Reference);
        var data = context.Blob;
        data.Heading = $"{data.Title} ({context.State})";
        data.NoteCount = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        return data;
    }
}

/// <summary>A classic about-to-submit handler: upper-cases the title.</summary>
internal sealed class ShoutingBlobHandler : IBlobHandler
{
    public Task<BlobResult> HandleAsync(BlobContext context, CancellationToken cancellationToken)
    {
        var data = context.Data;
        data["title"] = data["title"]?.GetValue<string>().ToUpperInvariant();
        return Task.FromResult(BlobResult.Ok(data));
    }
}
