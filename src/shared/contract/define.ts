import type { z } from 'zod';

export type MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  input: I;
  output: O;
  description: string;
};

export type EventSpec<P extends z.ZodType = z.ZodType> = { payload: P; description: string };

export const method = <I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  description: string,
): MethodSpec<I, O> => ({ input, output, description });

export const event = <P extends z.ZodType>(payload: P, description: string): EventSpec<P> => ({
  payload,
  description,
});
