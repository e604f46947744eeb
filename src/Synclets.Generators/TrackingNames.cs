namespace Synclets.Generators;

/// <summary>The names of the generator's pipeline steps, so caching tests can check each one.</summary>
internal static class TrackingNames
{
    public const string Shapes = nameof(Shapes);
    public const string ValidShapes = nameof(ValidShapes);
}
