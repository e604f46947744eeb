namespace Synclets.Protocol;

/// <summary>A message or packet that does not follow the Synclets protocol; the message says what is wrong.</summary>
internal sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception with a reason a user can act on.</summary>
    public ProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the error that revealed it.</summary>
    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The depth the message was for, when that is what was wrong with it.</summary>
    internal int? WrongDepth { get; init; }

    /// <summary>Creates the exception with a default reason.</summary>
    public ProtocolException()
        : base("The message does not follow the Synclets protocol.")
    {
    }
}
