/* Ties as great-circle arcs in one WebGL draw: a MapLibre custom layer that keeps every arc's segments in a single
 * vertex buffer (Web Mercator, 0..1) and draws them as hairlines, with no tiling and no worker round trip, so that
 * 25,000 arcs appear at once and pan and zoom smoothly. Drawn three times (the world and its two neighbours) so
 * arcs that cross 180° continue on the next copy of the world. */
const RAD = Math.PI / 180;

/** Points of the great circle from ``p`` to ``q`` ([lon, lat]), longitudes unwrapped so it crosses 180° smoothly,
 * one point every 5° of arc at most. */
export function greatCircle(p, q) {
  const f1 = p[1] * RAD, l1 = p[0] * RAD, f2 = q[1] * RAD, l2 = q[0] * RAD;
  const h = Math.sin((f2 - f1) / 2) ** 2 + Math.cos(f1) * Math.cos(f2) * Math.sin((l2 - l1) / 2) ** 2;
  const d = 2 * Math.asin(Math.min(1, Math.sqrt(h)));
  if (d < 1e-4 || Math.PI - d < 1e-4) return [p, q];
  const steps = Math.max(2, Math.min(36, Math.ceil(d / (5 * RAD))));
  const out = [];
  let prev = null;
  const sd = Math.sin(d);
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const a = Math.sin((1 - t) * d) / sd, b = Math.sin(t * d) / sd;
    const x = a * Math.cos(f1) * Math.cos(l1) + b * Math.cos(f2) * Math.cos(l2);
    const y = a * Math.cos(f1) * Math.sin(l1) + b * Math.cos(f2) * Math.sin(l2);
    const z = a * Math.sin(f1) + b * Math.sin(f2);
    let lon = Math.atan2(y, x) / RAD;
    const lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / RAD;
    if (prev !== null) {
      while (lon - prev > 180) lon -= 360;
      while (lon - prev < -180) lon += 360;
    }
    prev = lon;
    out.push([lon, lat]);
  }
  return out;
}

const VERTEX = `#version 300 es
uniform mat4 u_matrix;
uniform float u_offset;
in vec2 a_pos;
void main() { gl_Position = u_matrix * vec4(a_pos.x + u_offset, a_pos.y, 0.0, 1.0); }`;

const FRAGMENT = `#version 300 es
precision mediump float;
uniform vec4 u_color;
out vec4 fragColor;
void main() { fragColor = vec4(u_color.rgb * u_color.a, u_color.a); }`;

function compile(gl, type, source) {
  const shader = gl.createShader(type);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(shader));
  return shader;
}

/** Web Mercator x, y (0..1) of a longitude and latitude; x beyond 0..1 for longitudes beyond ±180°. */
function mercator(lon, lat) {
  const y = Math.max(-85.0511, Math.min(85.0511, lat)) * RAD;
  return [(lon + 180) / 360, (1 - Math.log(Math.tan(Math.PI / 4 + y / 2)) / Math.PI) / 2];
}

export class ArcLayer {
  constructor(id) {
    this.id = id;
    this.type = "custom";
    this.renderingMode = "2d";
    this.count = 0;
    this.innerCount = 0;
    this.color = [0.85, 0.51, 0.17];
    this.alpha = 0.2;
    this.vertices = new Float32Array(0);
    this.dirty = false;
    this.onFirstDraw = null; // called once, after the first frame that draws arcs
  }

  onAdd(map, gl) {
    this.map = map;
    const program = gl.createProgram();
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    this.program = program;
    this.uMatrix = gl.getUniformLocation(program, "u_matrix");
    this.uOffset = gl.getUniformLocation(program, "u_offset");
    this.uColor = gl.getUniformLocation(program, "u_color");
    this.aPos = gl.getAttribLocation(program, "a_pos");
    this.buffer = gl.createBuffer();
    this.dirty = true;
  }

  /** Arcs between pairs of points: ``pairs`` holds [[lon, lat], [lon, lat]] pairs. Arcs that stay within one
   * copy of the world go first in the buffer, arcs that cross 180° after them (only those are drawn again for the
   * neighbouring copies). */
  setArcs(pairs) {
    const inner = [], crossing = [];
    let innerLength = 0, crossingLength = 0;
    for (const [p, q] of pairs) {
      const line = greatCircle(p, q);
      const crosses = line.some((c) => c[0] < -180 || c[0] > 180);
      (crosses ? crossing : inner).push(line);
      if (crosses) crossingLength += (line.length - 1) * 4;
      else innerLength += (line.length - 1) * 4;
    }
    const vertices = new Float32Array(innerLength + crossingLength);
    let at = 0;
    for (const line of inner.concat(crossing)) {
      let [px, py] = mercator(line[0][0], line[0][1]);
      for (let i = 1; i < line.length; i++) {
        const [nx, ny] = mercator(line[i][0], line[i][1]);
        vertices[at++] = px;
        vertices[at++] = py;
        vertices[at++] = nx;
        vertices[at++] = ny;
        px = nx;
        py = ny;
      }
    }
    this.vertices = vertices;
    this.innerCount = innerLength / 2;
    this.count = (innerLength + crossingLength) / 2;
    this.dirty = true;
    if (this.map) this.map.triggerRepaint();
  }

  setAlpha(alpha) {
    this.alpha = alpha;
    if (this.map) this.map.triggerRepaint();
  }

  render(gl, options) {
    if (!this.count) return;
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    if (this.dirty) {
      gl.bufferData(gl.ARRAY_BUFFER, this.vertices, gl.STATIC_DRAW);
      this.dirty = false;
    }
    const matrix = (options && options.defaultProjectionData && options.defaultProjectionData.mainMatrix) ||
      (options && options.modelViewProjectionMatrix) || options;
    gl.uniformMatrix4fv(this.uMatrix, false, matrix);
    const zoom = this.map.getZoom();
    const alpha = Math.min(0.9, this.alpha * (1 + Math.max(0, zoom - 1) * 0.45));
    gl.uniform4f(this.uColor, this.color[0], this.color[1], this.color[2], alpha);
    gl.enableVertexAttribArray(this.aPos);
    gl.vertexAttribPointer(this.aPos, 2, gl.FLOAT, false, 0, 0);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    // The copies of the world in view: x in Mercator units, one unit per world.
    const bounds = this.map.getBounds();
    const x0 = (bounds.getWest() + 180) / 360, x1 = (bounds.getEast() + 180) / 360;
    for (let offset = Math.floor(x0 - 1.5); offset <= Math.floor(x1 + 0.5); offset++) {
      gl.uniform1f(this.uOffset, offset);
      if (offset < x1 && offset + 1 > x0 && this.innerCount) gl.drawArrays(gl.LINES, 0, this.innerCount);
      if (offset - 0.5 < x1 && offset + 1.5 > x0 && this.count > this.innerCount) {
        gl.drawArrays(gl.LINES, this.innerCount, this.count - this.innerCount);
      }
    }
    if (this.onFirstDraw) {
      const done = this.onFirstDraw;
      this.onFirstDraw = null;
      requestAnimationFrame(() => done(this.count));
    }
  }

  onRemove(map, gl) {
    gl.deleteBuffer(this.buffer);
    gl.deleteProgram(this.program);
  }
}
