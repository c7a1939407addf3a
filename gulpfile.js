const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// tsc emits only JavaScript; n8n also reads icons and codex files (*.node.json)
// from beside the built node files.
function copyNodeAssets() {
	return src([path.resolve('nodes', '**', '*.{png,svg}'), path.resolve('nodes', '**', '*.node.json')], {
		encoding: false,
	}).pipe(dest(path.resolve('dist', 'nodes')));
}

function copyCredentialIcons() {
	return src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'credentials')),
	);
}

task('build:icons', parallel(copyNodeAssets, copyCredentialIcons));
