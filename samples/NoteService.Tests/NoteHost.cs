using Ccd.Runtime.Commands;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Ccd.Runtime.Testing;

namespace NoteService.Tests;

/// <summary>A small service as a team would write it: case type FT_Note, declared in code, on the runtime.</summary>
public static class NoteHost
{
    public static readonly CcdServiceDefinition Definition = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime().AddCaseType<Note, NoteState>("FT_Note", "TEST", ct => ct
            .Event("create", e => e.Handler<CreateNote>().AboutToStart<SuggestTitle>())
            .Event("edit")
            .Event("publish")),
        ConfigureApp = app => app.MapCcdPersistence(),
    };
}

public sealed class Note
{
    public string? Title { get; set; }

    public string? Body { get; set; }
}

public enum NoteState
{
    Draft,
    Published,
}

/// <summary>Refuses a note without a title (CCD shows the error to the user and nothing is written); stores the note.</summary>
public sealed class CreateNote : ISubmitHandler<Note, NoteState>
{
    public Task<SubmitResult<Note, NoteState>> SubmitAsync(SubmitContext<Note, NoteState> context, CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(context.Proposed.Title)
            ? new SubmitResult<Note, NoteState> { Errors = ["Give the note a title."] }
            : new SubmitResult<Note, NoteState>
            {
                State = NoteState.Draft,
                Data = context.Proposed,
                ConfirmationHeader = "# Note saved",
            });
}

/// <summary>About-to-start of <c>create</c>: suggests a title naming the user.</summary>
public sealed class SuggestTitle : ICallbackHandler
{
    public Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        var data = request.Data.DeepClone().AsObject();
        data["title"] ??= $"Note by {request.User.Id}";
        return Task.FromResult(CallbackResponse.WithData(data));
    }
}
