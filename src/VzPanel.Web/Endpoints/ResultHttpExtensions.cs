using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Endpoints;

/// <summary>The one mapping from an expected <see cref="Error"/> to an HTTP ProblemDetails response.</summary>
internal static class ResultHttpExtensions
{
    public static IResult ToHttp<T>(this Result<T> result, Func<T, IResult> onSuccess) =>
        result.IsSuccess ? onSuccess(result.Value!) : result.Error!.ToProblem();

    public static IResult ToProblem(this Error error)
    {
        var status = error.Code switch
        {
            ErrorCodes.NotFound => StatusCodes.Status404NotFound,
            ErrorCodes.Conflict or ErrorCodes.Busy or ErrorCodes.NodeRefused or ErrorCodes.NodeMissing => StatusCodes.Status409Conflict,
            ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
            TenantErrors.Suspended => StatusCodes.Status403Forbidden,
            _ when TenantErrors.IsConflict(error.Code) || PlanErrors.IsConflict(error.Code) => StatusCodes.Status409Conflict,
            ErrorCodes.Unavailable or ErrorCodes.NodeFailed => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        };
        return error.Fields is { Count: > 0 } fields && status == StatusCodes.Status400BadRequest
            ? Results.ValidationProblem(fields.ToDictionary(), detail: error.Message, extensions: Code(error))
            : Results.Problem(detail: error.Message, statusCode: status, extensions: Code(error));
    }

    private static Dictionary<string, object?> Code(Error error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        foreach (var (key, value) in error.Details ?? new Dictionary<string, object>()) extensions[key] = value;
        return extensions;
    }
}
