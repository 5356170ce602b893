import { NativeSelect, NumberInput, PasswordInput, Stack, TextInput } from "@mantine/core";
import type { PlugInput } from "../../api/types";
import { answerProblem } from "./intake";

export interface IntakeFormProps {
  inputs: PlugInput[];
  answers: Record<string, string>;
  onChange(key: string, value: string): void;
  /** Show every problem (after a submit), not only those of fields already left. */
  showAll: boolean;
  touched: Set<string>;
  onTouch(key: string): void;
}

/** The plug's intake questions as typed fields: text, masked secrets, choices, whole numbers, URLs, host names. */
export function IntakeForm({ inputs, answers, onChange, showAll, touched, onTouch }: IntakeFormProps) {
  return (
    <Stack gap="sm">
      {inputs.map((input) => {
        const value = answers[input.key] ?? "";
        const problem = showAll || touched.has(input.key) ? answerProblem(input, value) : undefined;
        const common = {
          label: input.question,
          description: [input.help, `${input.key}${input.required === false ? ", optional" : ""}`]
            .filter(Boolean)
            .join(" · "),
          required: input.required !== false,
          error: problem,
          onBlur: () => onTouch(input.key),
          "data-input": input.key,
        };
        switch (input.type) {
          case "secret":
            return (
              <PasswordInput
                key={input.key}
                {...common}
                autoComplete="new-password"
                value={value}
                onChange={(e) => onChange(input.key, e.currentTarget.value)}
              />
            );
          case "enum":
            return (
              <NativeSelect
                key={input.key}
                {...common}
                value={value}
                onChange={(e) => onChange(input.key, e.currentTarget.value)}
                data={[
                  ...(input.required === false || value === "" ? [{ value: "", label: "—" }] : []),
                  ...input.values,
                ]}
              />
            );
          case "int":
            return (
              <NumberInput
                key={input.key}
                {...common}
                min={input.min}
                max={input.max}
                allowDecimal={false}
                value={value === "" ? "" : Number(value)}
                onChange={(n) => onChange(input.key, n === "" ? "" : String(n))}
              />
            );
          default:
            return (
              <TextInput
                key={input.key}
                {...common}
                type={input.type === "url" ? "url" : "text"}
                maxLength={input.type === "string" ? input.maxLength : undefined}
                value={value}
                onChange={(e) => onChange(input.key, e.currentTarget.value)}
              />
            );
        }
      })}
    </Stack>
  );
}
