import type { FormEvent } from "react";

/**
 * A form's onSubmit that hands its data to `submit` and clears the form only when that says it went through
 * (true). React's `<form action={…}>` clears an uncontrolled form after every submission, so a name or an
 * email the server refused (or never got: no connection) was gone, to be typed again.
 */
export function submitKeeping(submit: (data: FormData) => Promise<boolean>) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void submit(new FormData(form)).then((done) => {
      if (done) form.reset();
    });
  };
}
