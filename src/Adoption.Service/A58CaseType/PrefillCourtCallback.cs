using System.Text.Json;
using Adoption.Service.Access;
using Ccd.Runtime.CaseTypes;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// About-to-start of <c>submitApplication</c>: pre-fills <c>courtCode</c> when the caller's token names exactly one
/// court and it is a court the service knows. With several courts the user chooses; a court already in the data is
/// kept. The submit checks the court against the caller's rights as for any other value.
/// </summary>
internal sealed class PrefillCourtCallback(NpgsqlDataSource dataSource) : ICallbackHandler
{
    private const string Field = "courtCode";

    private const string KnownCourtSql = "SELECT EXISTS (SELECT 1 FROM adoption.courts WHERE code = @code)";

    public async Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        var data = request.Data;
        var present = data[Field] is { } value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Trim().Length > 0;
        var courts = Caller.From(request.User).Courts;
        if (present || courts.Count != 1 || !await IsKnownAsync(courts[0], cancellationToken))
        {
            return new CallbackResponse();
        }

        var prefilled = data.DeepClone().AsObject();
        prefilled[Field] = courts[0];
        return CallbackResponse.WithData(prefilled);
    }

    private async Task<bool> IsKnownAsync(string code, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(KnownCourtSql);
        command.Parameters.AddWithValue("code", NpgsqlDbType.Varchar, code);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
