// editors/vscode/extension.js — starts `cpl lsp` for .cpl files: diagnostics as you type,
// quick fixes, hover, go to definition, references, completion, outline and formatting.
// Plain JavaScript, so the folder is the extension with nothing to build; the one
// dependency, vscode-languageclient, comes from `npm install` in this folder.
'use strict';

const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration('cpl');
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  // The server finds policies from its working directory, as `cpl check` run there would
  // (`extends NAME` -> policies/NAME.cpl, stdlib/ on disk): the workspace's root.
  let command = config.get('path') || 'cpl';
  if (folder && command.includes(path.sep) && !path.isAbsolute(command))
    command = path.join(folder.uri.fsPath, command);
  const run = {
    command,
    args: ['lsp'],
    options: folder ? { cwd: folder.uri.fsPath } : {},
  };
  return { run, debug: run };
}

async function start() {
  client = new LanguageClient('cpl', 'cpl language server', serverOptions(), {
    documentSelector: [
      { scheme: 'file', language: 'cpl' },
      { scheme: 'untitled', language: 'cpl' },
    ],
  });
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('cpl.restartServer', async () => {
      if (client) await client.stop();
      await start();
    }),
  );
  try {
    await start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `cpl: could not start \`${vscode.workspace.getConfiguration('cpl').get('path') || 'cpl'} lsp\` ` +
        `(set "cpl.path" to the cpl binary): ${error.message || error}`,
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
