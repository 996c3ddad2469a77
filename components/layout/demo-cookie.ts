/** The cookie that remembers, per browser, that the demo notice was dismissed (read by the server). */
export const DEMO_COOKIE = "glm-demo-notice";
