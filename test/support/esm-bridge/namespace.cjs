/** The ES module namespace setup.mjs stored for `name`; fails loudly if setup did not run first. */
module.exports = (name) => {
  const namespace = globalThis.__agoraEsmBridge?.[name];
  if (!namespace) {
    throw new Error(
      `${name} was required before test/support/esm-bridge/setup.mjs imported it ` +
        '(is it in setupFilesAfterEnv?)',
    );
  }
  return namespace;
};
