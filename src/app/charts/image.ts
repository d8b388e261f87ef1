/**
 * A drawn chart as a file of its own: the SVG that recharts drew, made standalone (its size, the
 * theme's background and font written in, since outside the page no stylesheet supplies them), and a
 * PNG rendered from that SVG.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/** The chart's SVG as standalone text (XMLSerializer writes its namespace), at its drawn size, on `background`. */
export function standaloneSvg(svg: SVGSVGElement, background: string, fontFamily: string): string {
  const { width, height } = svgSize(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  copy.setAttribute("viewBox", `0 0 ${width} ${height}`);
  copy.setAttribute("font-family", fontFamily);
  copy.removeAttribute("style");
  const backdrop = document.createElementNS(SVG_NS, "rect");
  backdrop.setAttribute("width", "100%");
  backdrop.setAttribute("height", "100%");
  backdrop.setAttribute("fill", background);
  copy.insertBefore(backdrop, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

export function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  return {
    width: Number(svg.getAttribute("width")) || svg.clientWidth,
    height: Number(svg.getAttribute("height")) || svg.clientHeight,
  };
}

/** Renders standalone SVG text to a PNG at `scale` times its size (2: sharp on slides and HiDPI). */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2D canvas to draw the chart on");
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error("the PNG encoder gave nothing"))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
