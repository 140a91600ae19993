export const LANGUAGES = ['java', 'dotnet', 'go', 'ruby', 'php', 'nodejs', 'python'] as const;
export type Language = (typeof LANGUAGES)[number];
