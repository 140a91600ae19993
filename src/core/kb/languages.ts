export const LANGUAGES = ['java', 'dotnet', 'go', 'ruby', 'php', 'nodejs'] as const;
export type Language = (typeof LANGUAGES)[number];
